"""Background ingest jobs for the web app: run in a thread, report progress, keep errors."""
from __future__ import annotations

import shutil
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field


@dataclass
class Job:
    id: str
    inputs: list[str]
    state: str = "queued"          # queued | ingesting | reading | grouping | done | failed
    done: int = 0
    total: int = 0
    added: int = 0
    existing: int = 0
    errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["progress"] = round(self.done / self.total, 3) if self.total else (1.0 if self.state == "done" else 0.0)
        return d


class JobRunner:
    """One worker thread at a time: SQLite has one writer, and jobs queue behind each other."""

    def __init__(self, workspace_factory):
        self._factory = workspace_factory
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def submit(self, inputs: list[str], allow_private: bool = False, cleanup: str | None = None,
               outlet: str | None = None) -> Job:
        job = Job(uuid.uuid4().hex[:12], inputs)
        self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, allow_private, cleanup, outlet), daemon=True).start()
        return job

    def _run(self, job: Job, allow_private: bool, cleanup: str | None, outlet: str | None = None) -> None:
        with self._lock:
            ws = self._factory()
            try:
                job.state = "ingesting"
                rep = ws.ingest(job.inputs, allow_private=allow_private, on_error=lambda e: job.errors.append(str(e)),
                                outlet=outlet)
                job.added, job.existing = len(rep.added), len(rep.existing)
                job.state = "reading"
                job.total = ws.store.count_articles()

                def tick(n):
                    job.done += n
                ws.analyze(on_error=lambda e: job.errors.append(str(e)), progress=tick)
                job.state = "grouping"
                ws.group()
                job.state = "done"
            except Exception as e:  # the job reports; the server stays up
                job.errors.append(f"job failed: {e.__class__.__name__}: {e}")
                job.state = "failed"
            finally:
                job.finished = time.time()
                ws.close()
                if cleanup:
                    shutil.rmtree(cleanup, ignore_errors=True)
