// Holds pushwire.d.ts to pushwire.js, both ways, where the declarations are written by hand: the
// module's exports, PushwireClient's public members, State's values and the keys of stats(). Run by
// `npm test` after tsc; exits 1 with the differences. Reads the declarations with TypeScript's parser.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import * as runtime from '../pushwire.js';

const path = new URL('../pushwire.d.ts', import.meta.url);
const source = ts.createSourceFile('pushwire.d.ts', readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);

const declared = { exports: new Set(), client: new Set(), state: new Set(), stats: new Set() };
const nameOf = (member) => member.name?.getText(source);
for (const statement of source.statements) {
  const exported = statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
  if (!exported) {
    continue;
  }
  if (ts.isClassDeclaration(statement)) {
    declared.exports.add(statement.name.text);
    if (statement.name.text === 'PushwireClient') {
      statement.members.filter((member) => !ts.isConstructorDeclaration(member))
        .forEach((member) => declared.client.add(nameOf(member)));
    }
  } else if (ts.isVariableStatement(statement)) {
    for (const variable of statement.declarationList.declarations) {
      declared.exports.add(variable.name.getText(source));
      if (variable.name.getText(source) === 'State') {
        variable.type.members.forEach((member) => declared.state.add(member.type.literal.text));
      }
    }
  } else if (ts.isInterfaceDeclaration(statement) && statement.name.text === 'Stats') {
    statement.members.forEach((member) => declared.stats.add(nameOf(member)));
  }
}

class NoSocket {
  constructor() {
    throw new Error('never opened');
  }
}
const client = new runtime.PushwireClient('ws://127.0.0.1:1/ws', { storage: null, WebSocket: NoSocket });
const actual = {
  exports: new Set(Object.keys(runtime)),
  client: new Set(Object.getOwnPropertyNames(runtime.PushwireClient.prototype).filter((name) => name !== 'constructor')),
  state: new Set(Object.values(runtime.State)),
  stats: new Set(Object.keys(client.stats())),
};
client.close();

const differences = [];
for (const what of Object.keys(declared)) {
  const missing = [...declared[what]].filter((name) => !actual[what].has(name));
  const undeclared = [...actual[what]].filter((name) => !declared[what].has(name));
  if (missing.length > 0) {
    differences.push(`${what}: declared in pushwire.d.ts but not in pushwire.js: ${missing.join(', ')}`);
  }
  if (undeclared.length > 0) {
    differences.push(`${what}: in pushwire.js but not declared in pushwire.d.ts: ${undeclared.join(', ')}`);
  }
}
if (differences.length > 0) {
  console.error(differences.join('\n'));
  process.exit(1);
}
console.log(`pushwire.d.ts matches pushwire.js: ${declared.exports.size} exports, ${declared.client.size} client members,`
  + ` ${declared.state.size} states, ${declared.stats.size} stats`);
