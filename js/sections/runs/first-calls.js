// The runs chapter's first calls (see section.js; no imports: the build runs this under Node).
// None: it draws the runs the page keeps (ctx.runs), not answers from Python.
export function* firstCalls() {}
