#!/usr/bin/env -S node --import tsx
import { createProgram } from "./program.ts";

await createProgram().parseAsync(process.argv);
