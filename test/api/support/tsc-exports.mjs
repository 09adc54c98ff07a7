// Prints, as JSON, every name each given module exports as the TypeScript checker sees it
// (values and types alike, `export *` chains resolved): `{ "<file>": ["Name", ...] }`.
//
// Why a child process: TypeScript 7's compiler runs as a native binary, and its JavaScript
// API (`typescript/unstable/sync`, which talks to that binary) is an ES module, which Jest's
// CommonJS runtime cannot load. Jest runs this script with Node instead.
//
// Usage: node tsc-exports.mjs <project dir> <file relative to it>...
import * as path from 'node:path';
import { API } from 'typescript/unstable/sync';

const [projectDir, ...files] = process.argv.slice(2);
const tsconfig = path.join(projectDir, 'tsconfig.json');
const api = new API({ cwd: projectDir });
try {
  const project = api.updateSnapshot({ openProjects: [tsconfig] }).getProject(tsconfig);
  if (!project) throw new Error(`no TypeScript project for ${tsconfig}`);
  const result = {};
  for (const file of files) {
    const source = project.program.getSourceFile(path.join(projectDir, file));
    if (!source) throw new Error(`${file} is not part of ${tsconfig}`);
    const module = project.checker.getSymbolAtLocation(source);
    result[file] = project.checker.getExportsOfModule(module).map((symbol) => symbol.name).sort();
  }
  process.stdout.write(JSON.stringify(result));
} finally {
  api.close();
}
