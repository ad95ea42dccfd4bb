"""The faults the project promises to survive, each with the tests that
show it (README, "What survives what"). tests/test_fault_index.py checks
that every test named here exists."""

FAULTS = {
    'a kill at any point of synthesis (same bank, byte for byte)': [
        'tests/test_diffult/test_pipeline.py::'
        'test_killed_synthesis_continues_to_the_same_bank',
        'tests/test_diffult/test_bank/test_builder.py::'
        'test_bank_is_byte_identical_after_resume_and_repairs_corruption',
        'tests/test_diffult/test_bank/test_builder.py::'
        'test_joint_filter_judges_each_round_and_resumes_identically',
    ],
    'a kill during a stage or the classifier (the same command resumes, '
    'to the same weights)': [
        'tests/test_tools/test_train_resume.py::'
        'test_a_killed_run_rerun_by_the_same_command_ends_the_same',
        'tests/test_diffult/test_pipeline.py::'
        'test_rerun_skips_stages_and_resumes_training',
        'tests/test_diffult/test_stages.py::'
        'test_resume_falls_back_to_the_newest_readable_checkpoint',
        'tests/test_diffult/test_stages.py::'
        'test_resume_starts_over_when_nothing_is_readable',
    ],
    'a killed parent (no orphaned stage training)': [
        'tests/test_diffult/test_stages.py::'
        'test_a_stage_child_dies_with_its_killed_parent',
    ],
    'a kill between the last shard and the manifest': [
        'tests/test_diffult/test_pipeline.py::'
        'test_filter_statistics_lost_before_the_manifest_are_rewritten',
    ],
    'corrupted or truncated bank files (repaired, never trusted)': [
        'tests/test_diffult/test_bank/test_builder.py::'
        'test_repair_regenerates_a_record_the_manifest_does_not_vouch_for',
        'tests/test_diffult/test_bank/test_builder.py::'
        'test_unreadable_bank_files_are_repaired_not_fatal',
    ],
    'a bank of another configuration or another real subset (refused)': [
        'tests/test_diffult/test_bank/test_builder.py::'
        'test_bank_of_another_configuration_is_refused',
        'tests/test_diffult/test_dataset.py::'
        'test_bank_of_another_real_subset_is_refused',
        'tests/test_diffult/test_dataset.py::'
        'test_bank_for_another_plan_is_refused',
    ],
    'a full disk (the failed write names its file; nothing written is '
    'lost)': [
        'tests/test_utils/test_atomic_io.py::'
        'test_a_full_disk_names_the_file_and_leaves_no_temporary',
    ],
    'two runs writing the same folder (the second is refused)': [
        'tests/test_diffult/test_stages.py::'
        'test_a_second_writer_of_a_stage_folder_is_refused',
        'tests/test_diffult/test_stages.py::'
        'test_a_second_writer_of_a_bank_is_refused',
        'tests/test_utils/test_atomic_io.py::'
        'test_only_temporaries_of_dead_writers_are_removed',
        # The same test ends by refusing another config's run.
        'tests/test_tools/test_train_resume.py::'
        'test_a_killed_run_rerun_by_the_same_command_ends_the_same',
    ],
    'config mistakes (refused in seconds, before any stage)': [
        'tests/test_diffult/test_pipeline_validation.py::'
        'test_a_target_without_synthetic_slots',
        'tests/test_diffult/test_pipeline_validation.py::'
        'test_an_unregistered_filter',
        'tests/test_diffult/test_pipeline_validation.py::'
        'test_missing_or_incomplete_checkpoints',
        'tests/test_diffult/test_pipeline_validation.py::'
        'test_checkpoints_of_another_class_count',
        'tests/test_diffult/test_pipeline_validation.py::'
        'test_a_stage_config_that_does_not_exist',
        'tests/test_configs_image_folder.py::'
        'test_a_wrong_class_count_stops_before_training',
        'tests/test_diffult/test_dataset.py::'
        'test_omega_must_be_a_finite_number',
    ],
    'checkpoints that would run code when loaded (refused)': [
        'tests/test_utils/test_safe_loading.py',
        'tests/test_tools/test_train_test.py::'
        'test_checkpoint_needs_the_registered_safe_globals',
    ],
}
