import type { PartnerInput, SrmPriorityInput } from '../domain/partner';
import type { Person } from '../db/people';

/** A realistic cast for development and tests: every role of DOMAIN.md, fictional people. */
export const SEED_PEOPLE: Person[] = [
  { id: 'anna.devries', name: 'Anna de Vries', email: 'anna.devries@mivd.example', roles: ['drafter'], active: true },
  { id: 'bram.jansen', name: 'Bram Jansen', email: 'bram.jansen@mivd.example', roles: ['drafter'], active: true },
  { id: 'carla.bakker', name: 'Carla Bakker', email: 'carla.bakker@mivd.example', roles: ['team_lead'], active: true },
  { id: 'daan.visser', name: 'Daan Visser', email: 'daan.visser@mivd.example', roles: ['legal'], active: true },
  { id: 'eva.smit', name: 'Eva Smit', email: 'eva.smit@mivd.example', roles: ['legal'], active: true },
  { id: 'frank.meijer', name: 'Frank Meijer', email: 'frank.meijer@mivd.example', roles: ['legal'], active: true },
  { id: 'gert.mulder', name: 'Gert Mulder', email: 'gert.mulder@mivd.example', roles: ['head_of_service'], active: true },
  { id: 'hanna.deboer', name: 'Hanna de Boer', email: 'hanna.deboer@mindef.example', roles: ['minister'], active: true },
  { id: 'ivo.peters', name: 'Ivo Peters', email: 'ivo.peters@ctivd.example', roles: ['auditor'], active: true },
  { id: 'joke.hendriks', name: 'Joke Hendriks', email: 'joke.hendriks@mivd.example', roles: ['admin'], active: true },
  { id: 'karel.smits', name: 'Karel Smits', email: 'karel.smits@mivd.example', roles: ['operator'], active: true },
];

/**
 * Fictional partner services; the names only suggest the kinds of relationship the product handles.
 * Each is seeded with the SRM priority the head of service gave it.
 */
export const SEED_PARTNERS: (PartnerInput & { id: string; srmPriority: SrmPriorityInput })[] = [
  {
    id: '6f1c9a52-2b7e-4c1d-9a43-0d6f4e2b8a11',
    name: 'Northern Defence Intelligence Service',
    country: 'Nordland',
    kind: 'military',
    relationships: [
      { kind: 'bilateral', since: '1998-05-12' },
      { kind: 'nato', since: '2009-04-01' },
    ],
    srmPriority: { priority: 1, justification: 'Closest partner on the northern flank: daily exchange and joint operations.' },
  },
  {
    id: '8a2d4e63-3c8f-4d2e-8b54-1e7a5f3c9b22',
    name: 'Alliance Signals Bureau',
    country: 'Westmark',
    kind: 'combined',
    relationships: [{ kind: 'nato', since: '1999-03-12' }],
    srmPriority: { priority: 2, justification: 'Signals partner inside NATO; exchange is regular but narrow.' },
  },
  {
    id: '9b3e5f74-4d9a-4e3f-9c65-2f8b6a4dac33',
    name: 'Directorate of Internal Security',
    country: 'Eastvale',
    kind: 'civil',
    relationships: [
      { kind: 'eu', since: '2004-05-01' },
      { kind: 'bilateral', since: '2016-02-01' },
    ],
    srmPriority: { priority: 3, justification: 'Occasional exchange on counter-terrorism through the EU.' },
  },
];
