// Where the copy tests assemble a user's service: under the system's temporary folder, outside any
// workspace, so that nothing in a copy resolves a package from this checkout; named after this
// checkout, so that two checkouts' runs keep to their own copies.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

const checkout = path.resolve(import.meta.dirname, '..');
export const COPIES_FOLDER = path.join(tmpdir(), `otel-three-ways-copies-${createHash('sha256').update(checkout).digest('hex').slice(0, 12)}`);
