-- FerretDB 1.x on PostgreSQL pushes an equality filter down as `_jsonb -> $key @> $value`,
-- but builds its own indexes as btree on `(_jsonb -> 'key')`, which `@>` cannot use: every
-- find, update and delete by _id or by an indexed field reads the whole table.
-- These event triggers give every index FerretDB creates a GIN twin on the expression of
-- its first key (jsonb_path_ops serves `@>`) and drop the twin with it. With
-- plan_cache_mode = force_custom_plan (postgresql.conf) the key parameter is planned as a
-- constant, so the planner can match the twin. Uniqueness stays with FerretDB's btree index;
-- the twin only lets an index the application declared serve its look-ups.
-- Development and CI servers only: production runs MongoDB (docker/). Idempotent.

-- FerretDB names its indexes '<table>_<name>_<hash>_idx'; the twin is '<that, cut>_gin'.
CREATE OR REPLACE FUNCTION kcc_gin_twin_name(btree_name text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT left(btree_name, 59) || '_gin' $$;

CREATE OR REPLACE FUNCTION kcc_gin_twin_create() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  cmd record;
  ix record;
  expr text;
BEGIN
  FOR cmd IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
    SELECT c.relname, n.nspname, i.indrelid::regclass::text AS tbl, i.indnatts, am.amname
      INTO ix
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE i.indexrelid = cmd.objid;
    -- Only FerretDB's btree indexes (never a twin: no recursion), on their first key when
    -- that is a top-level field: a compound index such as GridFS's {files_id, n} then serves
    -- the equality on its first field, as it would on MongoDB.
    CONTINUE WHEN ix.amname <> 'btree' OR ix.relname NOT LIKE '%\_idx';
    expr := pg_get_indexdef(cmd.objid, 1, false);
    CONTINUE WHEN expr !~ '^\(\(_jsonb -> ''[^'']+''::text\)\)$';
    -- A twin left by an index dropped outside these triggers would block the name.
    EXECUTE format('DROP INDEX IF EXISTS %I.%I', ix.nspname, kcc_gin_twin_name(ix.relname));
    EXECUTE format('CREATE INDEX %I ON %s USING gin (%s jsonb_path_ops)', kcc_gin_twin_name(ix.relname), ix.tbl, expr);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION kcc_gin_twin_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  obj record;
BEGIN
  FOR obj IN SELECT * FROM pg_event_trigger_dropped_objects()
              WHERE object_type = 'index' AND object_name LIKE '%\_idx' AND NOT is_temporary LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I.%I', obj.schema_name, kcc_gin_twin_name(obj.object_name));
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS kcc_gin_twin;
DROP FUNCTION IF EXISTS kcc_gin_twin();
DROP EVENT TRIGGER IF EXISTS kcc_gin_twin_create;
DROP EVENT TRIGGER IF EXISTS kcc_gin_twin_drop;
CREATE EVENT TRIGGER kcc_gin_twin_create ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION kcc_gin_twin_create();
CREATE EVENT TRIGGER kcc_gin_twin_drop ON sql_drop WHEN TAG IN ('DROP INDEX')
  EXECUTE FUNCTION kcc_gin_twin_drop();
