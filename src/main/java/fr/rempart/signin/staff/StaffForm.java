package fr.rempart.signin.staff;

import fr.rempart.member.validation.ValidEmail;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * A staff account as a security administrator creates it: no password (Rempart generates the first
 * one), no second factor (the staff member enrols it at the first sign-in).
 */
public record StaffForm(
        @NotBlank @Size(max = 40) String username,
        @NotBlank @Size(max = 100) @Pattern(regexp = "[^\\p{Cc}]*") String displayName,
        @NotBlank @Size(max = 254) @ValidEmail String email,
        @NotEmpty List<String> groups) {

    @AssertTrue(message = "{rempart.staff.username.invalid}")
    boolean isUsername() {
        return username == null || username.isBlank() || Username.valid(username);
    }

    @AssertTrue(message = "{rempart.staff.groups.invalid}")
    boolean isGroups() {
        return groups == null || (groups.size() <= StaffGroup.values().length && groups.stream().allMatch(g -> StaffGroup.of(g).isPresent()));
    }
}
