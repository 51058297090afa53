"""The shared session logic and the bundled storage backends."""
