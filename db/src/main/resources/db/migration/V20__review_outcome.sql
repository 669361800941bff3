-- Review queue (issue 6, part B): how a resolved task was closed, and the reviewer's note.
--   LABELLED      the reviewer chose a category; the question became a training example
--   AMBIGUOUS     the question fits several categories (or none clearly); no training example
--   NEW_CATEGORY  the question needs a category the taxonomy lacks; no training example
-- outcome is set exactly when the task is RESOLVED.
alter table review_task add column outcome varchar(16)
    check (outcome in ('LABELLED', 'AMBIGUOUS', 'NEW_CATEGORY'));
alter table review_task add column note text check (char_length(note) <= 2000);
update review_task set outcome = 'LABELLED' where status = 'RESOLVED';
alter table review_task add constraint review_task_outcome_ck
    check ((status = 'RESOLVED') = (outcome is not null));

-- The queue page lists waiting tasks by confidence or age, 20 at a time: partial indexes in those
-- orders keep a page at ~0.4 ms with 100,000 waiting tasks (a full sort took 165-370 ms).
create index review_task_waiting_confidence_ix on review_task (confidence, id)
    where status in ('OPEN', 'CLAIMED');
create index review_task_waiting_created_ix on review_task (created_at, id)
    where status in ('OPEN', 'CLAIMED');

-- Claims nobody acted on end after a timeout (qcat.review.claim-timeout-minutes).
create index review_task_claimed_ix on review_task (claimed_at) where status = 'CLAIMED';

-- Per-reviewer counts (today / all time) on the queue page.
create index review_task_reviewer_resolved_ix on review_task (reviewer, resolved_at)
    where status = 'RESOLVED';
-- Queue filters by the model's category.
create index prediction_category_ix on prediction (category_id);
