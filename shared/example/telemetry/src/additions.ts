// The project's optional additions, in the order they must run (before the SDK), for one
// `--require @repo/telemetry/additions` in every start script: each file says what it adds.
import './check-settings';
import './concise-diagnostics';
import './express-resource';
import './unmeasured-exports';
