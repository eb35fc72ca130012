// The console's tables: one header row of column names (scope="col"), the rows as children.
import type { ReactNode } from 'react';

/** The header of a column of row actions: no visible text, named for screen readers. */
export const ACTIONS_COLUMN = <span className="sr-only">Actions</span>;

export function DataTable({ columns, children }: { columns: ReactNode[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={typeof column === 'string' ? column : i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
