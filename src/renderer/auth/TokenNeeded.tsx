import '../mantine-later.css';
import { Code, Container, List, Stack, Text, Title } from '@mantine/core';
import type { TokenProblem } from './api-token';

/**
 * The whole page when the server refuses it for want of the API token (CONTRACT section 4): how to
 * get the link that carries it. Everything else stays hidden, since nothing else would work.
 */
export default function TokenNeeded({
  problem,
  origin,
}: {
  problem: Exclude<TokenProblem, null>;
  origin: string;
}) {
  return (
    <Container size="sm" py="xl" component="main">
      <Stack gap="md">
        <Title order={1}>Open LightChat with its link</Title>
        <Text>
          {problem === 'wrong'
            ? 'The API token this page holds is no longer valid: it was probably replaced (lightchat token --rotate).'
            : 'LightChat asks for its API token, so that other programs and web pages on this computer cannot use it. The token comes with the link that opens this page.'}
        </Text>
        <Text fw={500}>To get the link:</Text>
        <List spacing="xs">
          <List.Item>
            <Text span>
              <Code>npm run serve</Code> and <Code>npm run demo</Code> print it when they start:{' '}
              <Code>Open {origin}/#token=…</Code>
            </Text>
          </List.Item>
          <List.Item>
            <Text span>
              Or print the token with <Code>npm exec lightchat token</Code> and open{' '}
              <Code>{origin}/#token=&lt;token&gt;</Code>
            </Text>
          </List.Item>
          <List.Item>
            <Text span>
              In the LightChat desktop app: the menu item <b>Open in Browser</b>, or <b>Copy link</b> in
              Settings.
            </Text>
          </List.Item>
        </List>
        <Text size="sm" c="dimmed">
          The page keeps the token in this browser for this address only and removes it from the address bar.
          It is never stored in a cookie.
        </Text>
      </Stack>
    </Container>
  );
}
