package fr.rempart.notify;

import fr.rempart.member.Email;

import java.util.List;

/**
 * Where a security alert goes: the active security administrators' addresses. Staff accounts are
 * sign-in's, above notify, so sign-in implements this ({@code signin.staff.StaffRepository}).
 */
public interface SecurityAdmins {

    List<Email> securityAdminEmails();
}
