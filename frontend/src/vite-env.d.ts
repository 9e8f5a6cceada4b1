/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the API lives when it is not this origin, e.g. https://sanctum.example.com. */
  readonly VITE_API_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
