// Shapes shared by the account routes: users, organizations and the credentials that create them.
import { Type, type Static } from 'typebox';
import type { IUser } from '../../domain/accounts/user.entity.js';
import { Uuid } from './common.js';

export const Email = Type.String({ format: 'email', maxLength: 320 });
export const Password = Type.String({ minLength: 8, maxLength: 200 });
export const Name = Type.String({ minLength: 1, maxLength: 100 });
export const RoleSchema = Type.Union([Type.Literal('user'), Type.Literal('admin')]);

export const UserSchema = Type.Object({
  id: Uuid,
  email: Type.String(),
  firstName: Type.Union([Type.String(), Type.Null()]),
  lastName: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  organizationId: Uuid,
  // The user's prompt settings (PromptRefs; a retired `pmpt_` value saved before the upgrade shows as it is);
  // null means the default.
  openai_individual_prompt_id: Type.Union([Type.String(), Type.Null()]),
  openai_complete_prompt_id: Type.Union([Type.String(), Type.Null()]),
});
export type UserDto = Static<typeof UserSchema>;

/** GET /auth/me: the user and their organization (`demo`: filled by the demo generator, the console says so). */
export const MeSchema = Type.Object({
  ...UserSchema.properties,
  organization: Type.Object({ id: Uuid, name: Type.String(), demo: Type.Boolean() }),
});

export const OrganizationSchema = Type.Object({ id: Uuid, name: Type.String() });

/** POST /auth/signup: the organization and its first admin. */
export const SignupBody = Type.Object(
  {
    organizationName: Type.String({ minLength: 1, maxLength: 200 }),
    email: Email,
    password: Password,
    firstName: Type.Optional(Name),
    lastName: Type.Optional(Name),
  },
  { additionalProperties: false },
);

/** POST /auth/login: any non-empty email and password; the signup rules are not checked, so a wrong one is a 401. */
export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

/** The fields a user's answer shows (a whole user, or the caller as authentication read them). */
export type UserFields = Pick<
  IUser,
  | 'id'
  | 'organization'
  | 'email'
  | 'role'
  | 'firstName'
  | 'lastName'
  | 'openaiIndividualPromptId'
  | 'openaiCompletePromptId'
>;

export function toUserDto(user: UserFields): UserDto {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    role: user.role,
    organizationId: user.organization,
    openai_individual_prompt_id: user.openaiIndividualPromptId ?? null,
    openai_complete_prompt_id: user.openaiCompletePromptId ?? null,
  };
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
