-- qcat schema, version 31 (issue 7, area "batch"): the job repository of Payara's batch runtime
-- (IBM JBatch), as Payara's own DDL (glassfish/lib/install/databases/jsr352-postgresql.sql) creates
-- it. Payara creates these tables lazily, once per JVM, on first use; a database recreated under a
-- running server (scripts/it.sh with QCAT_IT_KEEP=1) would then lack them until a restart. Created
-- here, they exist whenever the schema does. "if not exists": a database where Payara made them
-- first keeps them.
create table if not exists jobinstancedata (
    jobinstanceid serial not null primary key,
    name          character varying(512),
    apptag        varchar(512)
);

create table if not exists executioninstancedata (
    jobexecid     serial not null primary key,
    jobinstanceid bigint not null references jobinstancedata (jobinstanceid),
    createtime    timestamp,
    starttime     timestamp,
    endtime       timestamp,
    updatetime    timestamp,
    parameters    bytea,
    batchstatus   character varying(512),
    exitstatus    character varying(512)
);

create table if not exists stepexecutioninstancedata (
    stepexecid       serial not null primary key,
    jobexecid        bigint not null references executioninstancedata (jobexecid),
    batchstatus      character varying(512),
    exitstatus       character varying(512),
    stepname         character varying(512),
    readcount        integer,
    writecount       integer,
    commitcount      integer,
    rollbackcount    integer,
    readskipcount    integer,
    processskipcount integer,
    filtercount      integer,
    writeskipcount   integer,
    starttime        timestamp,
    endtime          timestamp,
    persistentdata   bytea
);

create table if not exists jobstatus (
    id  bigint not null references jobinstancedata (jobinstanceid),
    obj bytea
);

create table if not exists stepstatus (
    id  bigint not null references stepexecutioninstancedata (stepexecid),
    obj bytea
);

create table if not exists checkpointdata (
    id  character varying(512),
    obj bytea
);
