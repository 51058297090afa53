"""Password schemes, checked against hashes made by ``doveadm pw``."""

from __future__ import annotations

import pytest

from pymap.backend.maildir.passwords import parse_password
from pymap.backend.maildir.shacrypt import sha_crypt, verify_sha_crypt

PASSWORD = 'pässword:1'

#: ``doveadm pw -s SCHEME -p 'pässword:1'`` (Dovecot 2.3.19).
DOVEADM = [
    '{PLAIN}pässword:1',
    '{CLEAR}pässword:1',
    '{CLEARTEXT}pässword:1',
    '{SHA}PcoIHxhUptvsl48mfbCyv35Tfsw=',
    '{SHA256}+iSHOVvmxfcz/prwpOTGana3/r/qvkUFU1xFZk3fxds=',
    '{SHA512}H18Itw5Ha43tBXcDC71S9wBm6lmghaT6BGIqXbdEO/TgRX1U9XQzaAPhalTW'
    'iQtrKU6TklidPvIyj/alyHA/uQ==',
    '{SSHA}xoAl+eMc2bWc6Qhq+kGNT4NTRN9yXMmD',
    '{SSHA256}9OW6vpRkhTzFUjvmhb29hvmr7ene737Gn23g2bvBYuxN5AVV',
    '{SSHA512}Qq0Jnc2u2SFwcnWIiFYuQF3vVNKytv8pZbHJYkLsQaLzjewa4HweUW22hKuf'
    'LXniN13wIAonPuJGcymxA/brRzpZvm4=',
    '{PLAIN-MD5}4b1f385a318de05225f949f1a7a605f2',
    '{LDAP-MD5}Sx84WjGN4FIl+Unxp6YF8g==',
    '{SMD5}fn+Vp9WVgBOwtmOUTIsOeug73y4=',
    '{SHA256-CRYPT}$5$VsLVRMcY9BEAx7Ei$5VDc/Yz2d0nGnke0jSB0SzysWo9gEa0jk/G'
    'n.Du7zV1',
    '{SHA512-CRYPT}$6$ujWv1aobHWHVr/ZK$TTW7FsFpMqpwdwicvccXi7EIrUfyJE86ljY'
    'tZULmZwu2/d4Q/jHPraU728EZkpQeTeeXc9QNqL9QASsbAoamA1',
    '{BLF-CRYPT}$2y$05$gO.BFvwGMylf9qNAXiQHKO/e/AGHdyB0COiiNpVLH326atQnxF'
    'N3G',
    '{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$I/ADJUBxbZ0fGwcco7Wacg$Us9wOn'
    'arOvPyzVSn+C4fB+FHivfamX1B6ie5/5xpfT8',
    '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$cLEf+ZCndYfanQLtRY5Q8w$Rtrv'
    'AwEJeANWBCmouhKTCuQHU5Oi+56HgnjnayIlH0A',
    '{PBKDF2}$1$W.ZpiVQ2BAgV0Y44$5000$16d3eb0d52ac1a6a7d7a98354390aabdbbe'
    '463c6',
]


@pytest.mark.parametrize('stored', DOVEADM)
def test_dovecot_hashes_verify(stored: str) -> None:
    password = parse_password(stored)
    assert password.verify(PASSWORD)
    assert not password.verify('pässword:2')
    assert not password.verify('')
    assert PASSWORD not in repr(password)


@pytest.mark.parametrize(('stored', 'password'), [
    ('{SHA256.HEX}2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717'
     '921a4881', 'x'),
    ('{SSHA.HEX}65674db3a2cf72664993335d110c71c19b07afdb3eac597d', 'x'),
    ('{sha256.b64}LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=', 'x'),
    ('{SHA512-CRYPT}$6$rounds=10000$MMfTlmEfaWslH4cx$ZvoXb44XVB/0KzEVSpHcu'
     'pTAOFOq1MrYy8l4rXmCghsOiyUCwwAlHR4.thcE9zbgpMKVfprHpnGfGqBqDnpSC0',
     'x'),
    ('plain with spaces and : colons', 'plain with spaces and : colons'),
    ('!@#$%^:*', '!@#$%^:*'),
    ('{abc', '{abc'),
])
def test_encodings_rounds_and_plain_text(stored: str, password: str) -> None:
    assert parse_password(stored).verify(password)


@pytest.mark.parametrize('stored', [
    '{SHA}not-base64!', '{SHA256}', '{SHA}PcoIHxhUptvsl48mfbCyv35TfswA',
    '{SHA512-CRYPT}$5$VsLVRMcY9BEAx7Ei$5VDc', '{SHA256-CRYPT}nonsense',
    '{BLF-CRYPT}nonsense', '{ARGON2ID}nonsense', '{PBKDF2}$1$salt$x$00',
    '{PBKDF2}$1$salt$5$zz', '{SHA512-CRYPT}$6$rounds=x$salt$hash',
])
def test_malformed_hashes_never_verify(stored: str) -> None:
    assert not parse_password(stored).verify(PASSWORD)


@pytest.mark.parametrize('stored', [
    '{MD5-CRYPT}$1$xFTZptkF$8UMpCxfa8U8V05QikOdaC0', '{NOPE}x',
    '{PLAIN.HEX}x', '{SHA.ROT13}x'])
def test_unsupported_schemes_are_errors(stored: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_password(stored)
    assert stored[stored.index('}') + 1:] not in str(info.value)


def test_clear_secret_only_for_plain_schemes() -> None:
    assert parse_password('{PLAIN}abc').clear == 'abc'
    assert parse_password('abc').clear == 'abc'
    assert parse_password(DOVEADM[3]).clear is None


@pytest.mark.parametrize(('password', 'setting', 'expected'), [
    # Test vectors of the SHA-crypt specification.
    ('Hello world!', '$5$saltstring',
     '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'),
    ('Hello world!', '$6$saltstring',
     '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJu'
     'esI68u4OTLiBFdcbYEdFCoEOfaS35inz1'),
    ('Hello world!', '$5$rounds=10000$saltstringsaltstring',
     '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.'
     'opqey6IcA'),
    ('Hello world!', '$6$rounds=10000$saltstringsaltstring',
     '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sb'
     'HbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'),
    ('we have a short salt string but not a short password',
     '$6$rounds=77777$short',
     '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0g'
     'ge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0'),
    ('a short string', '$5$rounds=123456$asaltof16chars..',
     '$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/'
     'cZKmF/wJvD'),
    ('the minimum number is still observed', '$5$rounds=10$roundstoolow',
     '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL97'
     '2bIC'),
])
def test_sha_crypt_specification_vectors(password: str, setting: str,
                                         expected: str) -> None:
    assert sha_crypt(password, setting) == expected
    assert verify_sha_crypt(password, expected)


@pytest.mark.parametrize('setting', ['', '$', '$7$salt', 'x$5$salt',
                                     '$5$rounds=$salt'])
def test_sha_crypt_rejects_bad_settings(setting: str) -> None:
    with pytest.raises(ValueError):
        sha_crypt('x', setting)
    assert not verify_sha_crypt('x', setting)
