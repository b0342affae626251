// Generates src/lib/api/schema.d.ts from openapi.json.
//
// The document reuses operation ids across resources (`create`, `update`, `delete`, `share`,
// `unshare` exist once per resource). Generated types key operations by id, so duplicates would make
// every resource share the first one's request and response types. Each duplicated id is therefore
// prefixed with its resource ("charts_create") before generating.
//
// The API documents several members as free-form JSON objects (a chart's spec, a dataset's source,
// a filter's value, a dashboard's filters). openapi-typescript would type those as records, which is
// wrong for values such as a filter's `"East"` or the `[...]` arrays the server really sends. They are
// typed as `unknown` instead, and the application narrows them with decoders in src/lib/api/decoders.ts.
import { readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const UNKNOWN = ts.factory.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword);

function isFreeFormObject(schema) {
  if (!schema || typeof schema !== "object" || "$ref" in schema) return false;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return (
    types.includes("object") &&
    schema.properties === undefined &&
    schema.additionalProperties === undefined &&
    schema.allOf === undefined &&
    schema.oneOf === undefined &&
    schema.anyOf === undefined
  );
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

function makeOperationIdsUnique(openapi) {
  const operations = [];
  for (const [path, item] of Object.entries(openapi.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation?.operationId) operations.push({ path, operation });
    }
  }
  const uses = new Map();
  for (const { operation } of operations) {
    uses.set(operation.operationId, (uses.get(operation.operationId) ?? 0) + 1);
  }
  for (const { path, operation } of operations) {
    if (uses.get(operation.operationId) > 1) {
      const resource = path.replace(/^\/api\/v1\//, "").split("/")[0].replaceAll("-", "_");
      operation.operationId = `${resource}_${operation.operationId}`;
    }
  }
}

const document = JSON.parse(await readFile(new URL("../openapi.json", import.meta.url), "utf8"));
makeOperationIdsUnique(document);
const ast = await openapiTS(document, {
  transform(schema) {
    return isFreeFormObject(schema) ? UNKNOWN : undefined;
  },
});
const header = "/**\n * Generated from openapi.json by scripts/generate-api.mjs (`npm run generate:api`).\n * Do not edit by hand.\n */\n\n";
await writeFile(new URL("../src/lib/api/schema.d.ts", import.meta.url), header + astToString(ast));
console.log("src/lib/api/schema.d.ts written");
