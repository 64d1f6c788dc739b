/** The scenario catalogue: adding a scenario means adding its file and one line here. */
import type { Scenario } from '../../lib/scenario/scenario.ts';
import { killMaster } from './scenarios/kill-master.ts';

export const catalogue: Scenario[] = [killMaster];
