import { Name } from '../../components/ui';
import type { PublicUser } from './api';
import { PersonAvatar } from './PersonAvatar';

interface PersonOptionProps {
  person: PublicUser;
  id: string;
  selected: boolean;
  onPick(person: PublicUser): void;
  /** Presence on the avatar (off where the list is a transient completion). */
  live?: boolean;
}

/** One person in a listbox of people (the picker, the `@` autocomplete): picked by click, focus kept in the text box. */
export function PersonOption({ person, id, selected, onPick, live }: PersonOptionProps) {
  return (
    <li
      id={id}
      role="option"
      aria-selected={selected}
      className={selected ? 'person-row person-row--active' : 'person-row'}
      onMouseDown={(e) => e.preventDefault()}
      onClick={() => onPick(person)}
    >
      <PersonAvatar user={person} live={live} />
      <span className="person-row__names">
        <span className="person-row__name">
          <Name>{person.display_name || person.username}</Name>
        </span>
        <span className="person-row__username">@{person.username}</span>
      </span>
    </li>
  );
}
