# pymap: an IMAP server on the maildir backend, mail kept in /var/lib/pymap.
# The first stage builds pymap as a wheel with its per-command modules
# compiled by mypyc (README, "The compiled build"; PYMAP_MYPYC=1 makes a
# failed compile stop the build); the image installs that wheel and
# carries no compiler.
FROM python:3.11 AS build

WORKDIR /usr/src/pymap
COPY . .
RUN PYMAP_MYPYC=1 pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TMPDIR=/run/pymap

RUN useradd --system --uid 10143 --user-group --home-dir /var/lib/pymap \
        --shell /usr/sbin/nologin pymap \
    && mkdir -p /var/lib/pymap /run/pymap \
    && chown pymap:pymap /var/lib/pymap /run/pymap

COPY --from=build /wheels /wheels
# The one wheel in /wheels is this checkout's pymap, its version the one
# setup.py gives.
# hadolint ignore=DL3013
RUN wheel="$(find /wheels -name 'pymap-*.whl')" \
    && pip install --no-cache-dir "${wheel}[uvloop]" \
    && rm -rf /wheels

USER 10143:10143
WORKDIR /var/lib/pymap
VOLUME ["/var/lib/pymap"]
EXPOSE 143 993

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
    CMD ["pymap-admin", "health"]

ENTRYPOINT ["pymap", "--host", "0.0.0.0", "--port", "143"]
CMD ["maildir", "/var/lib/pymap/users.txt"]
