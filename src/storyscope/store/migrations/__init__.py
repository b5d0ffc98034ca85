"""Versioned schema migrations, applied in order inside one transaction each.

Each entry is (version, SQLite statements, PostgreSQL statements). Never edit a released
entry; append a new one.
"""
MIGRATIONS = [
    (1, [
        """CREATE TABLE articles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE, title TEXT, outlet TEXT, credit TEXT, byline TEXT,
            published TEXT, published_source TEXT, url TEXT, path TEXT, language TEXT,
            text TEXT NOT NULL, meta TEXT NOT NULL DEFAULT '{}', ingested_at TEXT NOT NULL)""",
        """CREATE TABLE layers (
            article_id TEXT NOT NULL REFERENCES articles(id), name TEXT NOT NULL, version TEXT NOT NULL,
            spans TEXT NOT NULL, PRIMARY KEY (article_id, name))""",
        """CREATE TABLE stories (
            id TEXT PRIMARY KEY, title TEXT, data TEXT NOT NULL, ord INTEGER NOT NULL)""",
        """CREATE TABLE story_articles (story_id TEXT NOT NULL, article_id TEXT NOT NULL,
            PRIMARY KEY (story_id, article_id))""",
        """CREATE TABLE findings (story_id TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (story_id, key))""",
        """CREATE TABLE state (name TEXT PRIMARY KEY, data TEXT NOT NULL)""",
        """CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='seq')""",
        """CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END""",
    ], [
        """CREATE TABLE articles (
            seq BIGSERIAL PRIMARY KEY,
            id TEXT NOT NULL UNIQUE, title TEXT, outlet TEXT, credit TEXT, byline TEXT,
            published TEXT, published_source TEXT, url TEXT, path TEXT, language TEXT,
            text TEXT NOT NULL, meta TEXT NOT NULL DEFAULT '{}', ingested_at TEXT NOT NULL,
            tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(title,'') || ' ' || text)) STORED)""",
        """CREATE INDEX articles_tsv ON articles USING gin(tsv)""",
        """CREATE TABLE layers (
            article_id TEXT NOT NULL REFERENCES articles(id), name TEXT NOT NULL, version TEXT NOT NULL,
            spans TEXT NOT NULL, PRIMARY KEY (article_id, name))""",
        """CREATE TABLE stories (id TEXT PRIMARY KEY, title TEXT, data TEXT NOT NULL, ord INTEGER NOT NULL)""",
        """CREATE TABLE story_articles (story_id TEXT NOT NULL, article_id TEXT NOT NULL,
            PRIMARY KEY (story_id, article_id))""",
        """CREATE TABLE findings (story_id TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (story_id, key))""",
        """CREATE TABLE state (name TEXT PRIMARY KEY, data TEXT NOT NULL)""",
    ]),
    (2, [
        # Sentence vectors by (model, text hash): a story re-compared after new articles arrive, or
        # in a later process, embeds only the texts it has never seen.
        """CREATE TABLE vectors (model TEXT NOT NULL, key TEXT NOT NULL, vec BLOB NOT NULL,
            PRIMARY KEY (model, key))""",
    ], [
        """CREATE TABLE vectors (model TEXT NOT NULL, key TEXT NOT NULL, vec BYTEA NOT NULL,
            PRIMARY KEY (model, key))""",
    ]),
    (3, [
        # Each article's spaCy parse (compressed DocBytes), so comparing a story never re-parses.
        """CREATE TABLE parses (article_id TEXT NOT NULL, model TEXT NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY (article_id, model))""",
    ], [
        """CREATE TABLE parses (article_id TEXT NOT NULL, model TEXT NOT NULL, data BYTEA NOT NULL,
            PRIMARY KEY (article_id, model))""",
    ]),
    (4, [
        # The user's outlets file: a domain or pattern -> canonical name, country, owner, wire
        # affiliations and other names (JSON lists); every later ingest maps outlets through it.
        """CREATE TABLE outlets (pattern TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '', wires TEXT NOT NULL DEFAULT '[]', aliases TEXT NOT NULL DEFAULT '[]')""",
    ], [
        """CREATE TABLE outlets (pattern TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '', wires TEXT NOT NULL DEFAULT '[]', aliases TEXT NOT NULL DEFAULT '[]')""",
    ]),
    (5, [
        # The story grouping, written incrementally (replaces the one JSON blob in ``state``): the
        # clusterer's small globals, one row per story (aggregates), one per grouped article by story and
        # place (keys mostly ascending, so a write appends), document frequencies (a log of changes, compacted), and where each merged-away story went.
        """CREATE TABLE grouping_globals (name TEXT PRIMARY KEY, data BLOB NOT NULL)""",
        """CREATE TABLE grouping_stories (idx INTEGER PRIMARY KEY, id TEXT NOT NULL, list INTEGER NOT NULL,
            data BLOB NOT NULL)""",
        """CREATE TABLE grouping_members (story INTEGER NOT NULL, pos INTEGER NOT NULL, article_id TEXT NOT NULL,
            head TEXT NOT NULL, PRIMARY KEY (story, pos)) WITHOUT ROWID""",
        """CREATE TABLE grouping_counts (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)""",
        """CREATE TABLE story_aliases (old_id TEXT PRIMARY KEY, new_id TEXT NOT NULL)""",
    ], [
        """CREATE TABLE grouping_globals (name TEXT PRIMARY KEY, data BYTEA NOT NULL)""",
        """CREATE TABLE grouping_stories (idx INTEGER PRIMARY KEY, id TEXT NOT NULL, list INTEGER NOT NULL,
            data BYTEA NOT NULL)""",
        """CREATE TABLE grouping_members (story INTEGER NOT NULL, pos INTEGER NOT NULL, article_id TEXT NOT NULL,
            head TEXT NOT NULL, PRIMARY KEY (story, pos))""",
        """CREATE TABLE grouping_counts (seq INTEGER PRIMARY KEY, data BYTEA NOT NULL)""",
        """CREATE TABLE story_aliases (old_id TEXT PRIMARY KEY, new_id TEXT NOT NULL)""",
    ]),
    (6, [
        # Each grouped article's compact clustering features (written once, when it is grouped), so a
        # story can be re-checked and split ("one is two") from its members, in any later process.
        """CREATE TABLE grouping_feats (article_id TEXT PRIMARY KEY, data BLOB NOT NULL)""",
    ], [
        """CREATE TABLE grouping_feats (article_id TEXT PRIMARY KEY, data BYTEA NOT NULL)""",
    ]),
]
