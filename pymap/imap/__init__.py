"""The asyncio I/O layer: the only code that touches sockets."""
