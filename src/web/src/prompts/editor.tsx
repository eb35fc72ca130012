// The JSON editor, loaded on demand: CodeMirror is large, and only prompt editing and import need it.
import { type ComponentProps, lazy, Suspense } from 'react';
import { Loading } from '../components/ui';

const Editor = lazy(() => import('./json-editor').then((m) => ({ default: m.JsonEditor })));

export function JsonEditor(props: ComponentProps<typeof Editor>) {
  return (
    <Suspense fallback={<Loading text="Loading the editor…" />}>
      <Editor {...props} />
    </Suspense>
  );
}
