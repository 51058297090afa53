"""The API plugin authors build on. Changing it must be a decision: this
test lists every public name, so an accidental addition, removal or rename
fails here."""

from __future__ import annotations

import importlib

import pytest

PUBLIC_API = {
    'pymap.interfaces.storage': {
        'ChangeLog', 'DELIMITER', 'FlagSet', 'Mailbox', 'MailboxEntry',
        'MailboxSet', 'MailboxSnapshot', 'MessageMeta', 'NewMessage',
        'StoreMode', 'StoredMessage', 'SummaryLoader', 'RangeLoader',
        'AssignedUids', 'assigned_validity'},
    'pymap.interfaces.login': {'Identity', 'Login'},
    'pymap.interfaces.users': {'UserRecord', 'UserStore'},
    'pymap.interfaces.backend': {
        'Backend', 'BackendType', 'HealthStatus', 'Service',
        'ServiceType'},
    'pymap.interfaces.session': {'Done', 'Session', 'Untagged'},
    'pymap.exceptions': {
        'AuthenticationFailed', 'BadCharset', 'BadCommand',
        'CloseConnection', 'EntityConflict', 'ExpungeIssued', 'IMAPError',
        'InUse', 'InvalidName', 'InvalidSequence', 'LoginsThrottled',
        'MailboxConflict', 'MailboxHasChildren', 'MailboxNotFound',
        'NotAllowed', 'NotSupported', 'OverQuota', 'PrivacyRequired',
        'TemporaryFailure', 'TooBig', 'UnknownTransferEncoding',
        'UserNotFound'},
    'pymap.config': {'IMAPConfig'},
    'pymap.plugin': {
        'BACKEND_GROUP', 'SERVICE_GROUP', 'load_backends', 'load_services'},
    'pymap.executor': {'MAX_WORKERS', 'run_blocking', 'run_to_end'},
    'pymap.mime': {
        'MessageContent', 'MessageSummary', 'SExp', 'UnknownEncoding'},
    'pymap.testing': {
        'OTHER_USER', 'TEST_PASSWORD', 'TEST_USER', 'AsyncServer',
        'BackendFactory', 'ServerThread'},
    'pymap.testing.plugin': {
        'backend', 'clear_passwords', 'config', 'connect', 'imap', 'raw',
        'server'},
}


@pytest.mark.parametrize('module_name', sorted(PUBLIC_API))
def test_public_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert set(module.__all__) == PUBLIC_API[module_name]
    for name in module.__all__:
        assert hasattr(module, name), f'{module_name}.{name} is missing'


def test_entry_point_groups() -> None:
    plugin = importlib.import_module('pymap.plugin')
    assert (plugin.BACKEND_GROUP, plugin.SERVICE_GROUP) == \
        ('pymap.backend', 'pymap.service')
