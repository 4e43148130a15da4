import { RefreshCw, TriangleAlert } from 'lucide-react';
import { useTrainer } from '../state/trainer';
import './TrainerBanner.css';

/** Says so when the trainer died or never answered, with a way back. Floats over the canvas: no layout jump. */
export function TrainerBanner() {
  const connection = useTrainer((s) => s.connection);
  const restart = useTrainer((s) => s.restart);
  if (connection.status !== 'gone' && connection.status !== 'error' && connection.status !== 'hung') return null;
  const title =
    connection.status === 'gone' ? 'The trainer stopped.' : connection.status === 'hung' ? 'The trainer stopped answering.' : 'Can’t reach the trainer.';
  const detail = connection.status === 'error' ? connection.message : connection.reason;
  return (
    <div className="trainer-banner" role="alert">
      <TriangleAlert className="trainer-banner-icon" size={18} strokeWidth={2} aria-hidden />
      <div className="trainer-banner-text">
        <strong>{title}</strong> <span>Your network is safe; restart the trainer to train again.</span>
        <div className="trainer-banner-detail">{capitalise(detail)}</div>
      </div>
      <button type="button" className="trainer-banner-button" onClick={() => void restart()}>
        <RefreshCw size={14} strokeWidth={2.2} aria-hidden />
        Restart
      </button>
    </div>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
