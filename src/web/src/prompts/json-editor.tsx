// The output schema editor (loaded on demand through editor.tsx): CodeMirror 6 with JSON highlighting and a linter that checks, as you type, that the
// text is JSON and an object schema (`type: "object"`), the first thing OpenAI's strict outputs require.
import { useEffect, useRef } from 'react';
import { basicSetup } from 'codemirror';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import { schemaError } from './schema-check';

const parseLinter = jsonParseLinter();

function schemaDiagnostics(view: EditorView): Diagnostic[] {
  const syntax = parseLinter(view);
  if (syntax.length) return syntax;
  const problem = schemaError(view.state.doc.toString());
  return problem ? [{ from: 0, to: Math.min(1, view.state.doc.length), severity: 'error', message: problem }] : [];
}

export function JsonEditor(props: {
  labelId: string;
  describedBy?: string;
  value: string;
  onChange(value: string): void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  // The editor owns its document; it is created once and told about outside changes below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: created once, with the first value and label
  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          basicSetup,
          json(),
          linter(schemaDiagnostics, { delay: 300 }),
          lintGutter(),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({
            'aria-labelledby': props.labelId,
            ...(props.describedBy ? { 'aria-describedby': props.describedBy } : {}),
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChange.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
  }, []);

  // A new value from outside (another version loaded into the editor) replaces the document.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== props.value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: props.value } });
  }, [props.value]);

  return <div ref={host} className="json-editor" />;
}
