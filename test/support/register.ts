// Register entries for the browser test and the screenshots: built by the same code RecordDecision
// uses (registerEntry), from the Tenterden example varied as the seed register's systems are, and
// written straight into the local stack's table.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { registerEntry, registerItem } from '../../functions/register/entry.js';
import { dynamo } from '../../functions/shared/clients/dynamo.js';
import { DEFAULTS } from '../../functions/shared/config.js';
import type { CameraType } from '../../functions/shared/model/proposal.js';
import { exampleInput } from './records.js';

type Ratings = [number, number, number, number];

/** Installations like the seed register's: type, area, owner's post, ratings, approval day. */
const SAMPLES: [CameraType, string, string | null, Ratings, string][] = [
  [
    'ANPR',
    'Tenterden',
    'Deputy Head of the Serious Crime Directorate (Chief Superintendent)',
    [2, 4, 4, 3],
    '2026-03-12',
  ],
  [
    'ANPR',
    'Sevenoaks',
    'Deputy Head of the Serious Crime Directorate (Chief Superintendent)',
    [1, 4, 3, 2],
    '2025-07-21',
  ],
  [
    'ANPR',
    'Sheerness',
    'Deputy Head of the Serious Crime Directorate (Chief Superintendent)',
    [4, 3, 2, 2],
    '2026-01-08',
  ],
  ['CCTV', 'Canterbury', 'Head of Strategic Partnerships (Chief Superintendent)', [0, 2, 4, 4], '2025-09-30'],
  ['CCTV', 'Hawkhurst', null, [0, 1, 3, 4], '2026-02-02'],
  ['BWV', 'Maidstone', 'Head of Mobile First and Innovation (Superintendent)', [0, 3, 4, 3], '2024-09-25'],
  ['DRONE', 'Dover', 'Head of Tactical Operations (Chief Superintendent)', [3, 4, 2, 1], '2025-07-14'],
  ['SPEED', 'Medway', 'Head of Strategic Partnerships (Chief Superintendent)', [0, 0, 3, 4], '2025-11-18'],
];

export function sampleRegisterItems() {
  return SAMPLES.map(([cameraType, publicArea, role, ratings, day], i) => {
    const input = exampleInput();
    input.cameraType = cameraType;
    input.publicArea = publicArea;
    if (role) input.owner = { role };
    else delete input.owner;
    (['nationalSecurity', 'seriousCrime', 'localCrime', 'communityConfidence'] as const).forEach((key, k) => {
      input.justification[key].rating = ratings[k] ?? 0;
    });
    const decidedAt = `${day}T14:30:00.000Z`;
    const next = `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`;
    return registerItem(
      registerEntry(
        {
          proposalId: `sample-${i + 1}`,
          reference: `DPIA-${day.slice(0, 4)}-${String(i + 101).padStart(4, '0')}`,
          input,
        },
        { decisionId: `DEC-${String(900 + i).padStart(6, '0')}`, decidedAt, reviewDate: next },
      ),
    );
  });
}

/** Writes items into the local stack's table (its endpoint is in this process's environment). */
export async function putItems(items: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const out = await dynamo.send(
        new BatchWriteCommand({ RequestItems: { [DEFAULTS.tableName]: requests } }),
      );
      requests = (out.UnprocessedItems?.[DEFAULTS.tableName] ?? []) as typeof requests;
    }
  }
}
