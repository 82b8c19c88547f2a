"""The outbox's side of a task: the base class every follow-up task uses, and beat's relay."""

from celery import Task, shared_task

from cases.outbox import services


class FollowUpTask(Task):
    """Marks the task's outbox row as it runs: started, done, failed after the last try. A
    message whose row is already done (a re-queued copy arriving after the original
    finished) does nothing. A task run without an outbox row (from a shell) runs as usual."""

    def __call__(self, *args, **kwargs):
        follow_up_id = services.follow_up_id_of(self.request.id)
        if follow_up_id is not None and not services.follow_up_started(follow_up_id):
            return "already done"
        return super().__call__(*args, **kwargs)

    def on_success(self, retval, task_id, args, kwargs):
        follow_up_id = services.follow_up_id_of(task_id)
        if follow_up_id is not None:
            services.follow_up_finished(follow_up_id)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        follow_up_id = services.follow_up_id_of(task_id)
        if follow_up_id is not None:
            services.follow_up_finished(follow_up_id, error=f"{type(exc).__name__}: {exc}")

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        follow_up_id = services.follow_up_id_of(task_id)
        if follow_up_id is not None:
            services.follow_up_retrying(follow_up_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="cases.tasks.follow_ups_relay", acks_late=True)
def follow_ups_relay() -> dict[str, int]:
    """Publish the follow-ups the broker could not take, and re-queue stuck ones."""
    return services.follow_ups_relay()
