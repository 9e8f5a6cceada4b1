"""The test suites. They mirror src/sanctum: unit/ and integration/ by package, contracts/ for the API contract."""
