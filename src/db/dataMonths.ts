/** When the incidents stop: the public view of the map shows the last month that has any. */
import type { Knex } from 'knex';

/** The time of the latest incident before `before`; null when there is none (served by the occurred_at index). */
export async function latestIncidentBefore(knex: Knex, before: Date): Promise<Date | null> {
  const row = (await knex('incidents').where('occurred_at', '<', before).max({ latest: 'occurred_at' }).first()) as { latest: Date | null } | undefined;
  return row?.latest ?? null;
}
