/**
 * The numbered migrations of `lightchat.db`; `PRAGMA user_version` is the number of the last one
 * applied. Each runs once, in the migration transaction, and is written to be idempotent. Only final
 * messages reach the search index (the triggers; a streamed answer right after its final write), and
 * both indexes drop deleted text for real (FTS5 `secure-delete`).
 */
export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE IF NOT EXISTS conversations (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  title TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0,
  provider_id TEXT,
  model_id TEXT,
  system_prompt TEXT,
  num_ctx INTEGER,
  current_leaf_id TEXT,
  message_count INTEGER NOT NULL DEFAULT 0,
  -- Where an imported conversation came from (its id in that export): a re-import adds only what is new.
  source_id TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS conversations_order ON conversations (pinned DESC, updated_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS messages (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  parent_id TEXT,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content TEXT NOT NULL DEFAULT '',
  thinking TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('streaming', 'done', 'error', 'stopped', 'interrupted')),
  error_code TEXT,
  provider_id TEXT,
  model_id TEXT,
  usage TEXT,
  stats TEXT,
  attachments TEXT NOT NULL DEFAULT '[]',
  tool_calls TEXT NOT NULL DEFAULT '[]',
  owner_id TEXT,
  source_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (conversation_id, seq),
  UNIQUE (conversation_id, source_id)
);
CREATE INDEX IF NOT EXISTS messages_streaming ON messages (owner_id) WHERE status = 'streaming';

CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5 (content, tokenize = 'trigram');
INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
CREATE VIRTUAL TABLE IF NOT EXISTS titles_fts USING fts5 (title, tokenize = 'trigram');
INSERT INTO titles_fts (titles_fts, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER IF NOT EXISTS messages_index_insert AFTER INSERT ON messages
  WHEN new.status != 'streaming'
  BEGIN INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content); END;
CREATE TRIGGER IF NOT EXISTS messages_index_final AFTER UPDATE OF status ON messages
  WHEN old.status = 'streaming' AND new.status != 'streaming'
  BEGIN INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content); END;
CREATE TRIGGER IF NOT EXISTS messages_index_delete AFTER DELETE ON messages
  BEGIN DELETE FROM messages_fts WHERE rowid = old.rowid; END;

CREATE TRIGGER IF NOT EXISTS titles_index_insert AFTER INSERT ON conversations
  WHEN new.title IS NOT NULL
  BEGIN INSERT INTO titles_fts (rowid, title) VALUES (new.rowid, new.title); END;
CREATE TRIGGER IF NOT EXISTS titles_index_update AFTER UPDATE OF title ON conversations
  BEGIN
    DELETE FROM titles_fts WHERE rowid = old.rowid;
    INSERT INTO titles_fts (rowid, title) SELECT new.rowid, new.title WHERE new.title IS NOT NULL;
  END;
CREATE TRIGGER IF NOT EXISTS titles_index_delete AFTER DELETE ON conversations
  BEGIN DELETE FROM titles_fts WHERE rowid = old.rowid; END;
`,
  },
  {
    // The conversation's Think switch (CONTRACT section 12): 'true', 'false', 'low', 'medium', 'high' or NULL.
    version: 2,
    sql: `ALTER TABLE conversations ADD COLUMN think TEXT;`,
  },
  {
    // The per-conversation Tools switch (CONTRACT section 11); null: never set, the switch is on.
    version: 3,
    sql: 'ALTER TABLE conversations ADD COLUMN tools TEXT;',
  },
  {
    // A finished answer is indexed in a transaction of its own, right after the one that stores it
    // (so the final write, and the chat's `done`, do not wait for the trigram index of the whole
    // answer). Until then its row waits in messages_unindexed, which survives a crash: the store
    // indexes what waits there when it opens, and before every search.
    version: 4,
    sql: `
DROP TRIGGER IF EXISTS messages_index_final;
CREATE TABLE IF NOT EXISTS messages_unindexed (rowid INTEGER PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS messages_index_later AFTER UPDATE OF status ON messages
  WHEN old.status = 'streaming' AND new.status != 'streaming'
  BEGIN INSERT OR IGNORE INTO messages_unindexed (rowid) VALUES (new.rowid); END;
CREATE TRIGGER IF NOT EXISTS messages_unindexed_delete AFTER DELETE ON messages
  BEGIN DELETE FROM messages_unindexed WHERE rowid = old.rowid; END;
`,
  },
  {
    // A message stored final (a user's message, an imported one) waits for the index the same way:
    // the trigram index of a 60 MB import took most of its time, and a send's turn waited for its
    // question's. The store indexes what waits right after, a batch per transaction; a search finds
    // what still waits by its text (search.ts).
    version: 5,
    sql: `
DROP TRIGGER IF EXISTS messages_index_insert;
CREATE TRIGGER IF NOT EXISTS messages_index_later_insert AFTER INSERT ON messages
  WHEN new.status != 'streaming'
  BEGIN INSERT OR IGNORE INTO messages_unindexed (rowid) VALUES (new.rowid); END;
`,
  },
  {
    // A message's depth on its branch (the root's is 0) and an index of each message's versions: a
    // long conversation opens by reading its latest messages from the leaf up, and how many come
    // before them is the first one's depth, not a walk of the whole branch. Existing messages get
    // theirs from the tree (an orphan, if any, keeps NULL: it is read the long way).
    version: 6,
    sql: `
ALTER TABLE messages ADD COLUMN depth INTEGER;
CREATE INDEX IF NOT EXISTS messages_children ON messages (conversation_id, parent_id, seq);
WITH RECURSIVE walk(id, conversation_id, depth) AS (
  SELECT id, conversation_id, 0 FROM messages WHERE parent_id IS NULL
  UNION ALL
  SELECT messages.id, messages.conversation_id, walk.depth + 1
  FROM walk JOIN messages ON messages.conversation_id = walk.conversation_id AND messages.parent_id = walk.id
)
UPDATE messages SET depth = walk.depth FROM walk WHERE walk.id = messages.id;
`,
  },
];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
