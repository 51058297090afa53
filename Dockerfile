# pymap: an IMAP server on the maildir backend, mail kept in /var/lib/pymap.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TMPDIR=/run/pymap

RUN useradd --system --uid 10143 --user-group --home-dir /var/lib/pymap \
        --shell /usr/sbin/nologin pymap \
    && mkdir -p /var/lib/pymap /run/pymap \
    && chown pymap:pymap /var/lib/pymap /run/pymap

COPY . /usr/src/pymap
RUN pip install --no-cache-dir '/usr/src/pymap[uvloop]' \
    && rm -rf /usr/src/pymap

USER 10143:10143
WORKDIR /var/lib/pymap
VOLUME ["/var/lib/pymap"]
EXPOSE 143 993

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
    CMD ["pymap-admin", "health"]

ENTRYPOINT ["pymap", "--host", "0.0.0.0", "--port", "143"]
CMD ["maildir", "/var/lib/pymap/users.txt"]
