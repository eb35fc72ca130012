// An accessible combobox (downshift's useCombobox) for a prompt reference: lists the organization's prompts of
// one kind (name, production version, model) and accepts a typed reference (prm_x, prm_x@7, prm_x@staging).
import { useCombobox } from 'downshift';
import { ChevronDown } from 'lucide-react';
import { describeRef, type PromptKind, type PromptSummary, useLibrary } from './api';

function matches(prompt: PromptSummary, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (!needle) return true;
  return [prompt.name, prompt.id, prompt.model].some((s) => s.toLowerCase().includes(needle));
}

export function PromptPicker(props: {
  id: string;
  label: string;
  kind: PromptKind;
  value: string;
  placeholder: string;
  invalid?: boolean;
  describedBy?: string;
  onChange(value: string): void;
}) {
  const library = useLibrary(props.kind);
  const all = library.data ?? [];
  // Once a prompt is picked its id fills the input: the whole list stays on offer instead of that one row.
  const exact = all.some((p) => p.id === props.value.trim());
  const items = exact ? all : all.filter((p) => matches(p, props.value));
  // A reference is opaque: say which prompt and version it names, when the library knows it.
  const ref = props.value.trim();
  const named = ref ? describeRef(ref, library.data) : ref;
  const combo = useCombobox<PromptSummary>({
    id: props.id,
    inputId: props.id,
    labelId: `${props.id}-label`,
    menuId: `${props.id}-menu`,
    items,
    inputValue: props.value,
    selectedItem: null,
    itemToString: (item) => item?.id ?? '',
    onSelectedItemChange: ({ selectedItem }) => {
      if (selectedItem) props.onChange(selectedItem.id);
    },
    onInputValueChange: ({ inputValue, type }) => {
      // Selecting an item is reported above; only typing changes the value here.
      if (type === useCombobox.stateChangeTypes.InputChange) props.onChange(inputValue ?? '');
    },
  });
  return (
    <div className="picker">
      <label {...combo.getLabelProps()} htmlFor={props.id} className="picker-label">
        {props.label}
      </label>
      <div className="picker-box">
        <input
          {...combo.getInputProps({
            placeholder: props.placeholder,
            spellCheck: false,
            'aria-invalid': props.invalid ? true : undefined,
            'aria-describedby':
              [props.describedBy, named !== ref ? `${props.id}-named` : null].filter(Boolean).join(' ') || undefined,
          })}
        />
        <button
          type="button"
          className="icon-button picker-toggle"
          {...combo.getToggleButtonProps({ 'aria-label': `Show ${props.kind} prompts` })}
        >
          <ChevronDown aria-hidden size={16} />
        </button>
        <ul
          className={combo.isOpen ? 'picker-menu open' : 'picker-menu'}
          {...combo.getMenuProps({ 'aria-label': `${props.label} suggestions` })}
        >
          {combo.isOpen && library.isPending ? <li className="muted">Loading prompts…</li> : null}
          {combo.isOpen && library.isSuccess && items.length === 0 ? (
            <li className="muted">No prompt matches; a typed reference is used as it is.</li>
          ) : null}
          {combo.isOpen
            ? items.map((item, index) => (
                <li
                  key={item.id}
                  className={combo.highlightedIndex === index ? 'highlighted' : undefined}
                  {...combo.getItemProps({ item, index })}
                >
                  <span className="picker-name">
                    {item.name}
                    {item.builtIn ? <span className="badge">Built-in</span> : null}
                  </span>
                  <span className="muted">
                    v{item.productionVersion} · {item.model} · <code>{item.id}</code>
                  </span>
                </li>
              ))
            : null}
        </ul>
      </div>
      {named !== ref ? (
        <div className="hint" id={`${props.id}-named`}>
          {named}
        </div>
      ) : null}
    </div>
  );
}
