package fr.rempart.member;

import fr.rempart.member.validation.ConsistentIdentity;
import fr.rempart.member.validation.ValidBirthDate;
import fr.rempart.member.validation.ValidEmail;
import fr.rempart.member.validation.ValidMemberNumber;
import fr.rempart.member.validation.ValidNir;
import fr.rempart.member.validation.ValidPasswordHash;
import fr.rempart.member.validation.ValidPersonName;
import fr.rempart.member.validation.ValidPhone;
import fr.rempart.member.validation.ValidRequiredActions;
import fr.rempart.member.validation.ValidSex;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * A member as the admin API and the CSV import receive it: strings as typed, validated here
 * before anything is written. An initial password (API only) or an imported legacy hash, not both;
 * required actions the member must complete at the next sign-in (an administrator may force a
 * password change, never choose the password).
 */
@ConsistentIdentity
public record MemberForm(
        @NotBlank @Size(max = 12) @ValidMemberNumber String memberNumber,
        @NotBlank @Size(max = 32) @ValidNir String nir,
        @NotBlank @Size(max = 100) @ValidPersonName String lastName,
        @NotBlank @Size(max = 100) @ValidPersonName String firstName,
        @NotBlank @Size(max = 10) @ValidBirthDate String birthDate,
        @NotBlank @Size(max = 6) @ValidSex String sex,
        @Size(max = 254) @ValidEmail String email,
        @Size(max = 24) @ValidPhone String phone,
        @Valid AddressForm address,
        @Pattern(regexp = "fr|en") String language,
        @Size(max = 1024) String password,
        @Size(max = 512) @ValidPasswordHash String passwordHash,
        @Size(max = 5) @ValidRequiredActions List<String> requiredActions)
        implements ConsistentIdentity.Identity {

    /** The postal address, all of it or none of it. */
    public record AddressForm(
            @NotBlank @Size(max = 100) String line1,
            @Size(max = 100) String line2,
            @NotBlank @Size(max = 10) String postcode,
            @NotBlank @Size(max = 100) String city,
            @Pattern(regexp = "[A-Z]{2}") String country) {

        @AssertTrue(message = "{rempart.postcode.invalid}")
        boolean isPostcode() {
            return postcode == null || (country != null && !"FR".equals(country)) || PostalAddress.validFrenchPostcode(postcode.strip());
        }
    }

    @AssertTrue(message = "{rempart.password.one-or-other}")
    boolean isPasswordHash() {
        return password == null || passwordHash == null;
    }
}
