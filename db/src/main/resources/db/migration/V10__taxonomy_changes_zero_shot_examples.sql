-- qcat schema, version 10 (issue 6 part C: taxonomy editor and datasets page).
--
-- category.created_at: when a category joined its taxonomy. A category added after the active
-- model version was created is not known to that model and is scored zero-shot (DESIGN.md §2).
-- Existing categories take their taxonomy's creation time.
alter table category add column created_at timestamptz;
update category c set created_at = t.created_at from taxonomy t where t.id = c.taxonomy_id;
alter table category alter column created_at set not null;
alter table category alter column created_at set default now();

-- prediction.zero_shot: the chosen category was scored zero-shot (listed with its description in
-- the prompt, not trained on by the model version that answered).
alter table prediction add column zero_shot boolean not null default false;

-- example.updated_at: set when an admin edits an example (text, category or split).
alter table example add column updated_at timestamptz;

-- The datasets page: one page of a dataset's examples in id order, filtered by category or split,
-- and full-text search on the question (PostgreSQL text search, 'english' configuration).
create index example_dataset_id_ix on example (dataset_id, id);
create index example_dataset_category_ix on example (dataset_id, category_id);
-- fastupdate off: new rows go into the index at once instead of a pending list that every search
-- scans linearly until VACUUM (right after a 100,000-row import a search took 1.7 s instead of
-- milliseconds).
create index example_text_fts_ix on example using gin (to_tsvector('english', text))
    with (fastupdate = off);
