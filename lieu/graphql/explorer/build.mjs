// Copy the pinned GraphiQL, React and ReactDOM browser builds (UMD) from node_modules into
// static/, which the wheel ships and /graphql/explorer/ serves. Run by `npm run build` after
// `npm ci` (make install and the Dockerfile do both); static/ is gitignored.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "..", "..", "..", "node_modules");
const target = join(here, "static");
const assets = [
  "react/umd/react.production.min.js",
  "react-dom/umd/react-dom.production.min.js",
  "graphiql/graphiql.min.js",
  "graphiql/graphiql.min.css",
];

const missing = assets.filter((asset) => !existsSync(join(modules, asset)));
if (missing.length > 0) {
  console.error(`explorer: ${missing.join(", ")} not found under ${modules}; run \`npm ci\` first`);
  process.exit(1);
}
mkdirSync(target, { recursive: true });
for (const asset of assets) {
  copyFileSync(join(modules, asset), join(target, asset.split("/").pop()));
}
console.log(`explorer: ${assets.length} assets copied to ${target}`);
