-- Similar already-labelled examples for the review page: trigram similarity (pg_trgm, shipped with
-- PostgreSQL's contrib: Debian's postgresql-15 package and the zonky embedded binaries both carry
-- it). pg_trgm is a trusted extension (PostgreSQL >= 13), so the database owner may create it.
-- The GiST index serves "order by text <-> :question limit k" (nearest neighbours by trigram
-- distance = 1 - similarity) without scanning every example.
create extension if not exists pg_trgm;
create index example_text_trgm_ix on example using gist (text gist_trgm_ops);
