"""Every user-facing error message lives here, so wording stays consistent and testable."""
from __future__ import annotations


class StoryscopeError(Exception):
    """Base class: str(err) is the one line shown to the user."""


class InputError(StoryscopeError):
    """A single input (file, URL, record) could not be read; the batch goes on."""

    def __init__(self, source: str, reason: str):
        self.source, self.reason = source, reason
        super().__init__(f"{source}: {reason}")


class MissingDependency(StoryscopeError):
    def __init__(self, what: str, install: str):
        super().__init__(f"{what} is not available; install it with: {install}")


class NoStore(StoryscopeError):
    """A command that reads a store was pointed at one that does not exist (a mistyped --db)."""

    def __init__(self, url: str):
        super().__init__(f"no store at {url}; run storyscope ingest first")


class GroupingChanged(StoryscopeError):
    """Another writer changed the stored story grouping since this one read it (the write is refused)."""

    def __init__(self):
        super().__init__("the story grouping in the store was changed by another process; re-reading it")


class NotFound(StoryscopeError):
    def __init__(self, kind: str, key: str):
        super().__init__(f"no {kind} with id {key!r} in this store")


# Reasons used by the readers (one place, so tests and docs can refer to them).
EMPTY = "empty file"
BINARY = "binary content, not text (no article could be read)"
TOO_LARGE = "larger than the {limit} byte limit"
NOT_XML_FEED = "not an RSS/Atom feed (the XML could not be parsed)"
NO_TEXT = "no article text could be extracted"
HEADLINE_ONLY = "headline only: the item has a title but no article text"
TEXT_RUN_TOO_LARGE = "a single run of text longer than the HTML parser's {limit} character limit; no article text could be extracted"
HTML_TOO_DEEP = "HTML nested {depth} elements deep, beyond the parser's limit of about {limit}; no article text could be extracted"
BAD_JSON = "line {line}: invalid JSON ({detail})"
MISSING_FIELD = "line {line}: record has no {field!r} field"
UNSUPPORTED = "unsupported file type {suffix!r}"
NO_SUFFIX = "no file suffix, and the content is not HTML, a feed or JSON; name it .txt to read it as text"
UNREAD_DOCUMENT = "a {kind} document, not read: save it as text or HTML to ingest it"
NOT_FOUND = "no such file or directory"
UNREADABLE = "could not be read ({detail})"
BAD_STATE_VERSION = "unsupported story-grouping state version {version!r}: rebuild it with storyscope stories --rebuild"
BROKEN_GROUPING = "the stored story grouping is incomplete ({stories} story rows, {expected} expected)"
GROUPING_REGROUPED = ("the story grouping in the store was written by another version ({reason}); re-grouping the "
                      "{n} stored articles from scratch (their title and lead vectors are reused)")
SUPPORTED_INPUTS = ".txt, .html/.htm, RSS/Atom feeds (.xml, .rss, .atom), JSON Lines (.jsonl, .ndjson), folders, globs and URLs"
EMPTY_FOLDER = "empty folder"
NOTHING_READABLE = "no file Storyscope can read in this folder (it reads " + SUPPORTED_INPUTS + ")"
NOTHING_ADDED = "nothing was added: no article could be read from {inputs}"
PRIVATE_ADDRESS = "refused: {host} resolves to a private, loopback or link-local address ({ip}); pass --allow-private to permit it"
URL_TIMEOUT = "timed out after {seconds} s"
BAD_CONTENT_TYPE = "unsupported content type {ctype!r}"
HTTP_STATUS = "HTTP status {status}"
TOO_MANY_REDIRECTS = "too many redirects"
TOO_MANY_ITEMS = "feed has more than {limit} items; only the first {limit} were read"
BAD_CHOICE = "unknown {what} {value!r}: choose one of {allowed}"
# Command line.
NO_BROWSER = "no browser could be opened; the dossier is at {path}"
OPEN_HTML_ONLY = "--open opens HTML only; the dossier is at {path}"
AMBIGUOUS_STORY = "{key!r} matches {n} story titles ({ids}); give a story id from `storyscope stories`"
SERVING = "Storyscope is serving {url} (press Ctrl+C to stop)"
# Web app and API.
TOKEN_REQUIRED = "a valid token is required for this endpoint"
SERVE_NEEDS_TOKEN = "serving on {host} needs a token for write endpoints: pass --token or set STORYSCOPE_TOKEN"
NO_JOB = "no such job"
TOO_MANY_FILES = "at most {limit} files per upload"
WEB_URLS_ONLY = "only http and https URLs can be ingested through the web app"
NOTHING_TO_INGEST = "nothing to ingest: give URLs or files"
BAD_INGEST_BODY = 'send JSON {"urls": [...]} or a multipart form with files'
NEW_STORE = "no store at {url} yet: starting with an empty one (add articles on the Ingest page or with storyscope ingest)"
STAGE_FAILED = "stage {stage} failed: {detail}"
UNKNOWN_SPLIT = "unknown split; use one of: {splits}"
NO_TIMEML = "no TimeML (*.tml) files in this folder"
# Outlets files (storyscope outlets import).
OUTLETS_FILE_KIND = "an outlets file must be .csv, .json or .toml"
OUTLETS_FILE_UNREADABLE = "could not be read as an outlets file ({detail})"
OUTLETS_FILE_EMPTY = "no outlet entries in this file"
OUTLET_ROW_INCOMPLETE = "an outlet entry needs a domain (or pattern) and a name"
OUTLET_ROW_NOT_TABLE = "an outlet entry must be a table of fields (domain or pattern, name, country, owner, wires, aliases)"
OUTLETS_IMPORTED = "{n} outlets registered in {url}; every later ingest uses them ({total} in all)"
OUTLETS_LATER_ONLY = "{n} articles already stored keep the outlet they were ingested with (the outlet is part of an article's id); ingest into a new store to apply the file to them"
COMPARE_FAILED = "comparison failed ({detail}); this story is left out, the other stories go on"


def comparison_failed(story_id: str, detail: str) -> InputError:
    """The one line reporting a story whose comparison raised (a bug, not bad input)."""
    return InputError(f"story {story_id}", COMPARE_FAILED.format(detail=detail))
TOO_LONG_TO_ANALYSE = "{chars} characters is more than the {limit} an article may have to be analysed"
BAD_LABEL = "line {line}: {value!r} is not one of: {allowed}"
NO_LABELLED_EVENTS = "no labelled events of split {split!r} are in the data file"
BAD_SPLIT = "expected dev, test or all"
# Evaluation data and models.
NOT_JSON_OBJECT = "not a JSON object"
PAIR_FIELDS = "a pair needs string fields id, a, b and label"
PAIR_TEXTS = "a pair needs two non-empty texts"
BAD_PAIR_LABEL = "label {label!r} is not one of {allowed}"
UNKNOWN_TASK = "unknown task; expected one of {tasks}"
UNKNOWN_FOLD = "unknown fold; expected all, dev or train"
NO_PAGES_LAYOUT = "no body/body.json or dates/dates.json"
NO_FNC1_FILE = "no such file (expected FNC-1 layout {split}_bodies.csv, {split}_stances.csv)"
FNC1_NO_BODY = "{n} Body IDs have no body, e.g. {examples}"
FNC1_BAD_STANCE = "unknown or missing Stance values {values}"
NO_STANCE_MODEL = "stance model not found (train it with benchmarks/train_stance.py)"
NOT_STANCE_MODEL = "not a StanceModel"
# Output.
UNKNOWN_FORMAT = "unknown format {fmt!r} (use html, md or json)"
UNKNOWN_TABLE = "unknown table {table!r}: choose one of {tables}"
# Reading inputs.
NO_MATCHING_FILES = "the pattern matches no files"
NESTED_TOO_DEEP = "structure nested too deeply to parse"
UNREADABLE = "could not be read ({detail})"
NO_RECORD_TEXT = "record has no text"
ON_LINE = "line {line}: {reason}"
UNRESOLVED_HOST = "cannot resolve host {host!r} ({detail})"
UNSUPPORTED_URL = "unsupported URL {url!r} (only http and https)"
CONNECTION_FAILED = "connection failed ({detail})"
NO_POSTGRES = "cannot connect to PostgreSQL at {where}: {detail}"
