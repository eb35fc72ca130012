// A list page's status filter: "All" or one of the statuses, as a labelled select.
import { Field } from './ui';

export function StatusFilter<S extends string>(props: {
  id: string;
  statuses: readonly S[];
  value: S | '';
  onChange: (value: S | '') => void;
}) {
  return (
    <div className="toolbar">
      <Field id={props.id} label="Status">
        <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value as S | '')}>
          <option value="">All</option>
          {props.statuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}
