import { Select, type SelectProps, Tooltip } from '@mantine/core';
import { type FocusEvent, type MouseEvent, useState } from 'react';

/**
 * Mantine's Select over string values, as the default export `lazy()` needs (see LazySelect). A name
 * too long for a narrow box ends in an ellipsis and shows whole in a tooltip on hover and focus.
 */
export default function StringSelect(props: SelectProps<string>) {
  const [full, setFull] = useState<string | null>(null);
  const show = (event: FocusEvent<HTMLInputElement> | MouseEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    setFull(input.scrollWidth > input.clientWidth ? input.value : null);
  };
  const hide = () => setFull(null);
  return (
    <Tooltip label={full} opened={full !== null} position="bottom-start" withinPortal>
      <Select<string>
        {...props}
        styles={{ input: { textOverflow: 'ellipsis' } }}
        onFocus={(event) => {
          props.onFocus?.(event);
          show(event);
        }}
        onBlur={(event) => {
          props.onBlur?.(event);
          hide();
        }}
        onMouseEnter={show}
        onMouseLeave={(event) => {
          if (event.currentTarget !== document.activeElement) hide();
        }}
        onDropdownOpen={() => {
          props.onDropdownOpen?.();
          hide();
        }}
      />
    </Tooltip>
  );
}
