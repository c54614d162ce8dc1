import type { PetRow } from "../../bindings";

/** The client's pets, in the order they were added. */
export function PetList({ pets }: { pets: PetRow[] }) {
  return (
    <section class="card-section" aria-labelledby="pets-heading">
      <h3 id="pets-heading" class="section-title">
        Pets
      </h3>
      {pets.length === 0 ? (
        <p class="muted">No pets on file.</p>
      ) : (
        <ul class="pet-list" data-testid="pet-list">
          {pets.map((pet) => (
            <li key={pet.id} data-testid={`pet-${pet.id}`}>
              <span class="pet-name">{pet.name}</span>
              <span class="muted">{pet.breed ? `${pet.species} · ${pet.breed}` : pet.species}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
