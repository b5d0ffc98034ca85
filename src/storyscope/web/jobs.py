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
    state: str = "queued"          # queued | ingesting | reading | grouping | comparing | done | failed
    done: int = 0
    total: int = 0
    added: int = 0
    existing: int = 0
    errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    finished: float | None = None
    story_id: str | None = None    # a story job: read this story's articles, then compare them
    next: str = "/"                # where to go when it is done

    def report(self, err) -> None:
        self.errors.append(str(err))

    def tick(self, n: int) -> None:
        self.done += n

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

    def for_story(self, story_id: str) -> Job | None:
        """The latest job analysing this story, if any."""
        jobs = [j for j in self._jobs.values() if j.story_id == story_id]
        return jobs[-1] if jobs else None

    def submit_story(self, story_id: str, article_ids: list[str]) -> Job:
        """Read a story's unread articles, then compare it, in the background (the first view of a
        story that was ingested but not analysed)."""
        job = Job(uuid.uuid4().hex[:12], [], story_id=story_id, next=f"/stories/{story_id}")
        return self._start(job, self._read_and_compare, article_ids)

    def submit(self, inputs: list[str], allow_private: bool = False, cleanup: str | None = None,
               outlet: str | None = None) -> Job:
        """Ingest ``inputs``, read every unread article, group; ``cleanup`` is a folder removed afterwards."""
        return self._start(Job(uuid.uuid4().hex[:12], inputs), self._ingest_read_group, allow_private, outlet,
                           cleanup=cleanup)

    def _start(self, job: Job, body, *args, cleanup: str | None = None) -> Job:
        self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, body, args, cleanup), daemon=True).start()
        return job

    def _run(self, job: Job, body, args: tuple, cleanup: str | None) -> None:
        with self._lock:
            ws = self._factory()
            try:
                body(ws, job, *args)
                job.state = "done"
            except Exception as e:  # the job reports; the server stays up
                job.errors.append(f"job failed: {e.__class__.__name__}: {e}")
                job.state = "failed"
            finally:
                job.finished = time.time()
                ws.close()
                if cleanup:
                    shutil.rmtree(cleanup, ignore_errors=True)

    @staticmethod
    def _ingest_read_group(ws, job: Job, allow_private: bool, outlet: str | None) -> None:
        from storyscope.orchestrate import Orchestrator

        def ingested(rep) -> None:
            job.added, job.existing = len(rep.added), len(rep.existing)
        Orchestrator(ws, on_error=job.report, progress=_JobProgress(job)).run(
            job.inputs, allow_private=allow_private, outlet=outlet, on_ingested=ingested)

    @staticmethod
    def _read_and_compare(ws, job: Job, article_ids: list[str]) -> None:
        from storyscope.orchestrate import Orchestrator
        unread = ws.unread(article_ids)
        job.state, job.total = "reading", len(unread) + 1  # +1: the comparison
        Orchestrator(ws, on_error=job.report, progress=_JobProgress(job, sized=False)).run(
            read=unread or False, group=False, compare=[job.story_id])
        job.done = job.total


class _JobProgress:
    """``orchestrate.Progress`` on a ``Job``: its state is the phase, ``done`` counts what is done;
    ``sized`` jobs take their ``total`` from the reading phase (every stored article)."""

    def __init__(self, job: Job, sized: bool = True):
        self.job, self.sized = job, sized

    def start(self, phase: str, total) -> None:
        self.job.state = phase
        if self.sized and phase == "reading":
            self.job.total = total or 0

    def advance(self, n: int = 1) -> None:
        self.job.tick(n)

    def end(self, phase: str) -> None:
        pass
