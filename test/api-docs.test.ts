import { readFileSync } from 'node:fs';
import { API_DOCS, openApiDocument, renderApiDocs } from '../dev/api-docs';

/** docs/api.md is the OpenAPI document in words: written from it, never by hand, so never behind it. */
describe('docs/api.md', () => {
  it('is what `npm run docs:api` writes from the API’s current OpenAPI document', async () => {
    const written = readFileSync(API_DOCS, 'utf8');
    // Run `npm run docs:api` after changing a route, and commit the file it writes.
    expect(written).toBe(renderApiDocs(await openApiDocument()));
  });
});
