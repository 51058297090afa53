"""``pymap-admin ping`` and ``pymap-admin health`` (the standard
``grpc.health.v1`` check)."""

from __future__ import annotations

import argparse
import os

from grpclib.health.v1.health_pb2 import (
    HealthCheckRequest,
    HealthCheckResponse,
)

from ..admin_pb2 import PingRequest
from .connection import Client
from .report import Report

__all__ = ['add_commands']


def add_commands(commands: argparse._SubParsersAction[
        argparse.ArgumentParser]) -> None:
    """Registers ``ping`` and ``health``."""
    commands.add_parser(
        'ping', help='show the server\'s version, uptime and backend',
    ).set_defaults(run=ping)
    commands.add_parser(
        'health',
        help='check the server\'s health (exit status 69 unless serving)',
    ).set_defaults(run=health)


async def ping(client: Client, args: argparse.Namespace) -> Report:
    """Ping: proves the server answers, and says what it runs."""
    response = await client.call(client.admin.Ping, PingRequest())
    return Report(f'version: {response.version}\n'
                  f'backend: {response.backend}\n'
                  f'uptime: {response.uptime:.0f} s',
                  {'version': response.version, 'backend': response.backend,
                   'uptime': response.uptime})


async def health(client: Client, args: argparse.Namespace) -> Report:
    """The overall serving status; EX_UNAVAILABLE unless SERVING."""
    response = await client.call(client.health.Check, HealthCheckRequest())
    name = HealthCheckResponse.ServingStatus.Name(response.status)
    serving = response.status == HealthCheckResponse.SERVING
    return Report(name, {'status': name},
                  os.EX_OK if serving else os.EX_UNAVAILABLE)
