# DiffuLT on 2 CPU cores for any dataset: the stages (phi0, the tiny
# generator) take the classifier config's data, class count and flip
# setting (stage_data='classifier'), so a dataset is written once, in the
# classifier config (README, "Your own dataset"). N_t = the largest class
# (a balanced proxy), omega = 0.3, DDIM 25 steps with guidance w = 8, the
# phi0-distance filter (radius d_f per class, OOD dropped).
diffult_target = 'max'
diffult_synthetic_weight = 0.3
# The balanced proxy that wraps a classifier recipe's training set.
diffult_proxy = dict(
    type='DiffuLTDataset',
    target=diffult_target,
    synthetic_weight=diffult_synthetic_weight)
diffult_synthesis = dict(
    type='DiffuLTSynthesisHook',
    stage_data='classifier',
    phi0_config='{{fileDirname}}/stages/phi0_resnet32-ce_cpu.py',
    generator_config='{{fileDirname}}/stages/generator_tiny-unet_cpu.py',
    sampler='ddim',
    num_steps=25,
    guidance_scale=8.0,
    sample_batch_size=250,
    filter=dict(type='DiffuLTFilter', d_f='per_class', keep=('ID', 'AID')))
