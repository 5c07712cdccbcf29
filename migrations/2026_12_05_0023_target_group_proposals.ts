/**
 * The target-group determination remembers what the assistant proposed (issue 13): the proposed
 * outcome and the version of the rule that proposed it, and the caseworker's reason when the
 * determination decides otherwise. Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE target_group_determinations
      ADD COLUMN proposed_outcome text CHECK (proposed_outcome IN ('PLICHT', 'RECHT', 'MINDERJARIG', 'NONE')),
      ADD COLUMN proposal_rule_id text CHECK (length(proposal_rule_id) <= 40),
      ADD COLUMN override_reason  text CHECK (length(override_reason) <= 1000);
    ALTER TABLE target_group_determinations_history
      ADD COLUMN proposed_outcome text,
      ADD COLUMN proposal_rule_id text,
      ADD COLUMN override_reason  text;
    COMMENT ON COLUMN target_group_determinations.proposed_outcome IS 'What the target-group assistant proposed (NONE: not in the target group); null: no proposal was asked.';
    COMMENT ON COLUMN target_group_determinations.proposal_rule_id IS 'The version of the target-group rules that made the proposal (e.g. target-group-2022).';
    COMMENT ON COLUMN target_group_determinations.override_reason IS 'Why the caseworker decided otherwise than the proposal; required then.';
  `.execute(db);
}
