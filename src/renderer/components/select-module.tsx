import { Select, type SelectProps } from '@mantine/core';

/** Mantine's Select over string values, as the default export `lazy()` needs (see LazySelect). */
export default function StringSelect(props: SelectProps<string>) {
  return <Select<string> {...props} />;
}
