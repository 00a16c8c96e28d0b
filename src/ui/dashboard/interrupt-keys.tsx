// Turns `q` and Ctrl-C into stop requests while the dashboard owns the keyboard (raw mode).
import { useInput, useStdin } from 'ink';

export function InterruptKeys({ onStop }: { onStop: () => void }) {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) onStop();
    },
    { isActive: isRawModeSupported === true },
  );
  return null;
}
