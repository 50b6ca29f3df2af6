"""One person's hours on one day are at most 24 (interventions.models, `_DAY_CEILING_SQL`). Days recorded
above the ceiling before this migration stay as they are; a later change to such a day must bring it within
the ceiling (deleting a cell always can)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0002_catalogue"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="timeentry",
            trigger=pgtrigger.compiler.Trigger(
                name="time_entry_day_ceiling_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    declare="DECLARE over RECORD;",
                    func="\n    PERFORM pg_advisory_xact_lock(hashtextextended('interventions.time_entry_day:' || people.user_id, 0))\n    FROM (SELECT DISTINCT user_id FROM new_entries ORDER BY user_id) AS people;\n    SELECT t.user_id, t.date, sum(t.minutes) AS minutes INTO over\n    FROM interventions_timeentry t\n    WHERE (t.user_id, t.date) IN (SELECT user_id, date FROM new_entries)\n    GROUP BY t.user_id, t.date\n    HAVING sum(t.minutes) > 1440\n    LIMIT 1;\n    IF FOUND THEN\n        RAISE EXCEPTION 'time entries: more than 24 hours on one day'\n            USING ERRCODE = 'check_violation',\n                  CONSTRAINT = 'time_entry_day_at_most_24_hours',\n                  DETAIL = format('user %s, %s: %s minutes', over.user_id, over.date, over.minutes);\n    END IF;\n    RETURN NULL;\n",
                    hash="634d97d438da2e8ce8c64603218368afa2668b31",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_time_entry_day_ceiling_insert_8b519",
                    referencing="REFERENCING NEW TABLE AS new_entries ",
                    table="interventions_timeentry",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="timeentry",
            trigger=pgtrigger.compiler.Trigger(
                name="time_entry_day_ceiling_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    declare="DECLARE over RECORD;",
                    func="\n    PERFORM pg_advisory_xact_lock(hashtextextended('interventions.time_entry_day:' || people.user_id, 0))\n    FROM (SELECT DISTINCT user_id FROM new_entries ORDER BY user_id) AS people;\n    SELECT t.user_id, t.date, sum(t.minutes) AS minutes INTO over\n    FROM interventions_timeentry t\n    WHERE (t.user_id, t.date) IN (SELECT user_id, date FROM new_entries)\n    GROUP BY t.user_id, t.date\n    HAVING sum(t.minutes) > 1440\n    LIMIT 1;\n    IF FOUND THEN\n        RAISE EXCEPTION 'time entries: more than 24 hours on one day'\n            USING ERRCODE = 'check_violation',\n                  CONSTRAINT = 'time_entry_day_at_most_24_hours',\n                  DETAIL = format('user %s, %s: %s minutes', over.user_id, over.date, over.minutes);\n    END IF;\n    RETURN NULL;\n",
                    hash="19d192d7a06a37f36d5d5787fc2fddaaa37dc9ce",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_time_entry_day_ceiling_update_a918a",
                    referencing="REFERENCING NEW TABLE AS new_entries ",
                    table="interventions_timeentry",
                    when="AFTER",
                ),
            ),
        ),
    ]
