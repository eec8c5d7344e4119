export async function importCommand(_argv: string[]): Promise<void> {}
