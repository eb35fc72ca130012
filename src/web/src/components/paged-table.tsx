// Lists the API pages with a cursor (calls, leads, the audit log): the query that fetches page after page, and
// the table that shows them with its loading, error and empty states and "Load more".
import type { ReactNode } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { DataTable } from './data-table';
import { Empty, ErrorNote, Loading, LoadMore } from './ui';

interface Page<T> {
  items: T[];
  nextCursor?: string | null | undefined;
}

/** Pages of a list, fetched one cursor after another; without `refetchInterval` they are not refreshed. */
export function useCursorPages<P extends Page<unknown>>(
  queryKey: unknown[],
  fetchPage: (cursor: string | undefined) => Promise<P>,
  refetchInterval?: number | ((pages: P[]) => number),
) {
  return useInfiniteQuery({
    queryKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    getNextPageParam: (last: P) => last.nextCursor ?? undefined,
    refetchInterval: (query) =>
      typeof refetchInterval === 'function'
        ? refetchInterval(query.state.data?.pages ?? [])
        : (refetchInterval ?? false),
  });
}

/** Every item of the pages fetched so far. */
export const itemsOf = <T,>(pages: { data?: { pages: Page<T>[] } | undefined }): T[] =>
  pages.data?.pages.flatMap((p) => p.items) ?? [];

/** What the table needs of useCursorPages' answer. */
interface CursorPages<T> {
  data?: { pages: Page<T>[] } | undefined;
  isPending: boolean;
  isError: boolean;
  isSuccess: boolean;
  error: unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): Promise<unknown>;
}

/** The rows loaded so far; a failed later page keeps them in view, under the error. */
export function PagedTable<T extends { id: string }>(props: {
  pages: CursorPages<T>;
  /** What the list holds, in the plural ("calls"): the loading and error texts name it. */
  noun: string;
  empty: ReactNode;
  columns: string[];
  /** One row's cells. */
  cells: (item: T) => ReactNode;
}) {
  const { pages, noun } = props;
  const items = itemsOf(pages);
  return (
    <>
      {pages.isPending ? <Loading text={`Loading ${noun}…`} /> : null}
      {pages.isError ? <ErrorNote error={pages.error} prefix={`Could not load ${noun}`} /> : null}
      {pages.isSuccess && items.length === 0 ? <Empty>{props.empty}</Empty> : null}
      {items.length > 0 ? (
        <DataTable columns={props.columns}>
          {items.map((item) => (
            <tr key={item.id}>{props.cells(item)}</tr>
          ))}
        </DataTable>
      ) : null}
      <LoadMore
        hasMore={pages.hasNextPage}
        loading={pages.isFetchingNextPage}
        onClick={() => void pages.fetchNextPage()}
      />
    </>
  );
}
