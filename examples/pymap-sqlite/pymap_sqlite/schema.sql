-- The pymap-sqlite database. Every statement is idempotent: the backend
-- runs this whole file each time it opens a database.

-- One row per login. The password is never stored, only its scrypt hash
-- in the form 'scrypt$N$r$p$salt-hex$hash-hex'. The etag changes with
-- every change to the row (optimistic concurrency for the admin service).
CREATE TABLE IF NOT EXISTS users (
    name     TEXT PRIMARY KEY,
    password TEXT NOT NULL,
    etag     TEXT NOT NULL
);

-- One row per mailbox name. AUTOINCREMENT guarantees an id is never
-- reused, so a session holding a deleted mailbox's id can never see a
-- newer mailbox through it. A row with selectable = 0 is a \Noselect
-- parent kept only for its children (RFC 3501 section 6.3.4).
CREATE TABLE IF NOT EXISTS mailboxes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user         TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    selectable   INTEGER NOT NULL DEFAULT 1,
    uid_validity INTEGER NOT NULL,
    next_uid     INTEGER NOT NULL DEFAULT 1,
    modseq       INTEGER NOT NULL DEFAULT 0,
    recent_uid   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user, name)
);

-- The messages of each mailbox. flags is the space-separated list of
-- flags and keywords; internal_date is ISO 8601 with its UTC offset.
CREATE TABLE IF NOT EXISTS messages (
    mailbox_id    INTEGER NOT NULL
                  REFERENCES mailboxes (id) ON DELETE CASCADE,
    uid           INTEGER NOT NULL,
    internal_date TEXT NOT NULL,
    size          INTEGER NOT NULL,
    flags         BLOB NOT NULL,
    data          BLOB NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
) WITHOUT ROWID;

-- Subscriptions are names, not mailboxes: they survive DELETE and RENAME
-- (RFC 3501 section 6.3.6).
CREATE TABLE IF NOT EXISTS subscriptions (
    user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (user, name)
) WITHOUT ROWID;

-- The last UIDVALIDITY handed out, so that a mailbox created again under
-- an old name never gets its predecessor's value (RFC 3501 section
-- 2.3.1.1).
CREATE TABLE IF NOT EXISTS uid_validity (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);
INSERT OR IGNORE INTO uid_validity (id, last) VALUES (1, 0);
